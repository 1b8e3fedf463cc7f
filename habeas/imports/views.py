"""Pages of this app: each parses input, calls one service or selector, renders."""
