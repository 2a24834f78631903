from notifications.models import Channel


def make_channel(kind="generic", *, name=None, team=None, url="", secret="", language="en", **fields):
    return Channel.objects.create(
        name=name or f"{kind} channel",
        kind=kind,
        team=team,
        url=url,
        secret=secret,
        language=language,
        **fields,
    )
