from django.urls import path

from staffdesk.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.catalog_index, name="index"),
    path("<str:code>/", views.department_detail, name="department"),
]
