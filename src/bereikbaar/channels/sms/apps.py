"""The SMS channel through Twilio: signed webhooks in, the twilio REST client out."""

from django.apps import AppConfig


class SmsChannelConfig(AppConfig):
    name = "bereikbaar.channels.sms"
    label = "channel_sms"
    verbose_name = "SMS (Twilio)"

    def ready(self) -> None:
        from bereikbaar.channels.sms import provider_delete
        from bereikbaar.channels.sms.inbound import handle
        from bereikbaar.channels.sms.sender import reply_precheck, send
        from bereikbaar.contacts import provider_erasure
        from bereikbaar.delivery import senders
        from bereikbaar.intake import registry

        registry.register("sms", handle)
        senders.register("sms", send, precheck=reply_precheck)
        provider_erasure.register(provider_delete.KIND, provider_delete.DELETER)
