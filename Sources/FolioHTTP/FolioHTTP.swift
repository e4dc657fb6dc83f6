// FolioHTTP module. See DESIGN.md.
