"""The formula app: the proxy-indicator allocation of cluster SEND money, need and capacity gap.

The pure engine lives in ``sendfund.formula.engine`` (no Django import); file formats and the
command-line core in ``sendfund.formula.fileio``. See README.md beside this file.
"""
