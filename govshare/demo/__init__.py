"""The demo city (盐城市): realistic departments, users and catalogue entries, loaded by `govshare demo`.

`data` holds the vocabulary (departments as named in the Yancheng work plan, info items, catalogue entries);
`loader` creates everything through the catalogue and user services, so codes, versions and history are real.
"""
