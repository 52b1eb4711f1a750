"""provision-ledger api-token create|list|revoke: API tokens from the command line, as the tokens page makes them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.api import actions
from provision_ledger.core import access
from provision_ledger.people.models import LocalAuthority, School, User


def _user(email: str) -> User:
    user = User.objects.filter(email=email.lower(), is_active=True).first()
    if user is None:
        raise CommandError(f"No active user with the email address {email}.")
    return user


class Command(BaseCommand):
    help = "Make, list or revoke API tokens, acting as a SENCO (for their school) or an LA officer (their LA)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a token and print its secret, once")
        create.add_argument("--user", required=True, help="Email address of the SENCO or officer making it")
        create.add_argument("--name", required=True, help="What will use the token")
        where = create.add_mutually_exclusive_group(required=True)
        where.add_argument("--school", metavar="URN", help="A school's token: reads and records sessions")
        where.add_argument("--la", metavar="CODE", help="An authority's token: reads only")
        listing = sub.add_parser("list", help="The tokens a user manages")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="Stop a token working; it stays listed")
        revoke.add_argument("token_id", type=int)
        revoke.add_argument("--user", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = _user(options["user"])
        if options["action"] == "create":
            school = local_authority = None
            if options["school"]:
                school = School.objects.filter(urn=options["school"]).first()
                if school is None:
                    raise CommandError(f"No school with URN {options['school']}.")
            else:
                local_authority = LocalAuthority.objects.filter(code=options["la"]).first()
                if local_authority is None:
                    raise CommandError(f"No local authority with code {options['la']}.")
            try:
                token, secret = actions.issue_token(
                    by=user, name=options["name"], school=school, local_authority=local_authority
                )
            except PermissionDenied as error:
                raise CommandError(f"{user.email} does not manage {school or local_authority}.") from error
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stderr.write(f"Token {token.pk} for {token.reaches}. Copy the secret now: it is not kept.")
            self.stdout.write(secret)
        elif options["action"] == "list":
            for token in access.api_tokens_for(user):
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "live"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(f"{token.pk}\t{token.prefix}…\t{token.name}\t{token.reaches}\t{state}\tused {used}")
        else:
            found = access.api_tokens_for(user).filter(pk=options["token_id"]).first()
            if found is None:
                raise CommandError(f"No token {options['token_id']} that {user.email} manages.")
            try:
                actions.revoke_token(found, by=user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(f"Token {found.pk} ({found.name}) revoked.")
