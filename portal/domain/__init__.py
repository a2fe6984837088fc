"""The rules of the product as plain Python: no Flask, no web, no templates."""
