"""The GUI: the only package that imports PySide6. It calls services and shows views."""
