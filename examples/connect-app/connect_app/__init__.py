"""An application of the Versori Connect client (see README.md)."""
