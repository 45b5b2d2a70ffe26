"""summarizer: Arabic news articles from many outlets into English briefings."""

__version__ = "0.1.0"
