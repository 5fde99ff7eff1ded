"""SameStory: how different outlets report the same event — dataset builder and benchmark harness."""

__version__ = "1.0.0"
