"""Charts (matplotlib SVG/PNG) and the HTML and PDF progress reports."""
