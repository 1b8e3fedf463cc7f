"""The API's resources, one router each; habeas/api/api.py mounts them."""
