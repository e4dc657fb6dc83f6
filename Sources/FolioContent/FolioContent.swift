// FolioContent module. See DESIGN.md.
