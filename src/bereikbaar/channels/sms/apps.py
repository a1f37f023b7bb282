from django.apps import AppConfig


class SmsChannelConfig(AppConfig):
    name = "bereikbaar.channels.sms"
    label = "channel_sms"
    verbose_name = "SMS (Twilio)"
