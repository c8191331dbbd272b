"""The web app (SPEC 13): server-rendered pages for shop owners, vendors, finance and admin.

Pages sit on the same services as the API and on the same route-level role lists; a page handler
decodes its input, calls one service and returns a template. Sessions live in the database
(`web.store`), forms carry Litestar's CSRF token, and nothing is loaded from another host.
"""
