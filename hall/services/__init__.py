"""The business rules. Services take plain values, return frozen views, and say what
changed; they are the same for the GUI, the command line and the tests."""
