from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "staffdesk.feedback"
    label = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from staffdesk.feedback import panels
        from staffdesk.feedback.services import suggestions, surveys
        from staffdesk.notifications.kinds import register
        from staffdesk.requests import lifecycle, row_actions
        from staffdesk.requests import panels as request_panels

        # Satisfaction surveys
        register(
            surveys.KIND,
            "Satisfaction surveys after my requests are resolved",
            mail_addition=surveys.survey_mail_links,
        )
        register(surveys.LOW_RATING_KIND, "Low satisfaction ratings of services I look after")
        register(surveys.FOLLOW_UP_KIND, "Answers to my satisfaction ratings")
        lifecycle.register(surveys.survey_on_status_change)
        request_panels.register(panels.rating_panel)
        row_actions.register(panels.rate_it_actions)

        # Suggestion box
        register(suggestions.NEW_KIND, "New suggestions to my department")
        register(suggestions.UPDATE_KIND, "Changes to suggestions I follow")
        register(suggestions.HELP_KIND, '"Did it help?" about suggestions that were done')
