"""The Litestar app: factory, authentication, guards and the pages both portals share."""
