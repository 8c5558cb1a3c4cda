"""The lab's Data Services Manager simulator (see services/dsm.py and docs/dsm.md)."""
