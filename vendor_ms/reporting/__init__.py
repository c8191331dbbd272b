"""Reports: the four PDF documents assembled from the database (views) and written to files."""
