"""The product's verbs: each takes what it needs (knowledge, database) and returns core types.

The faces (CLI, later the web app) call these and only render; neither reaches
into the store, so each feature is written once.
"""
