"""Page handlers, one module per page group; each decodes input, calls one service, returns a template."""
