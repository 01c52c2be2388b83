from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "staffdesk.announcements"
    label = "announcements"
    verbose_name = "Announcements and service notices"

    def ready(self) -> None:
        from staffdesk.announcements.badges import notice_badges
        from staffdesk.catalog import badges
        from staffdesk.notifications.kinds import register

        badges.register(notice_badges)
        register("announcement", "News for me from a department")
        # Mailed whatever the preference: the organization needs to know it was received.
        register("announcement_required", "Announcements I must acknowledge", optional=False)
        register("announcement_question", "Questions and answers on announcements")
        register("notice_resolved", "A service problem that affected me is resolved")
