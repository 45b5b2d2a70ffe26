"""`python -m summarizer`."""

from summarizer.cli import main

main()
