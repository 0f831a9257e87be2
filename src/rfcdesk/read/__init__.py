"""Reading a proposal folder: settings, Markdown and reST, proposals, the template, the
index table as written, the numbers in use."""
