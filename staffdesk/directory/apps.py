from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "staffdesk.directory"
    label = "directory"
    verbose_name = "Directory"
