"""Themes from the text: a classifier that suggests themes for untagged submissions,
the clerk's review loop that confirms them, and hot topics (热点). CONTRACT.md §6."""
