from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.CalendarView.as_view(), name="calendar"),
    path("due/", views.DueDateView.as_view(), name="due"),
    path("days/", views.CalendarDayListView.as_view(), name="day_list"),
    path("days/add/", views.CalendarDayEditView.as_view(), name="day_add"),
    path("days/<int:pk>/edit/", views.CalendarDayEditView.as_view(), name="day_edit"),
    path("days/<int:pk>/delete/", views.CalendarDayDeleteView.as_view(), name="day_delete"),
    path("years/add/", views.CalendarYearEditView.as_view(), name="year_add"),
    path("years/<int:pk>/edit/", views.CalendarYearEditView.as_view(), name="year_edit"),
    path("years/<int:pk>/delete/", views.CalendarYearDeleteView.as_view(), name="year_delete"),
    path("import/", views.CalendarImportView.as_view(), name="import"),
    path("import/template/", views.CalendarImportTemplateView.as_view(), name="import_template"),
]
