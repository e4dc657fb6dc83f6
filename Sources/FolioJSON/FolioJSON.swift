// FolioJSON module. See DESIGN.md.
