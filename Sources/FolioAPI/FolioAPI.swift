// FolioAPI module. See DESIGN.md.
