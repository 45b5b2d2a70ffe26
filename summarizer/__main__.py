"""`python -m summarizer`."""

from summarizer.cli import main

if __name__ == "__main__":  # not again in a worker process, which imports this module
    main()
