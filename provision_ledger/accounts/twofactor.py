"""Two-factor sign-in: who must use it, their authenticator device, and the demo's shared secret.

Staff, SENCOs, head teachers and LA officers must confirm a time-based code (TOTP, RFC 6238) after their password;
parents may choose to. A person who has set up an authenticator is always asked for a code.
"""

from __future__ import annotations

from base64 import b32decode, b32encode

from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from provision_ledger.people.models import User

DEVICE_NAME = "Authenticator app"
# The demo's staff all share this secret so that anyone trying the demo can add it to an authenticator app.
# It is printed by `provision-ledger demo --sign-ins`; `provision-ledger totp` refuses any other secret.
DEMO_SECRET = "PROVISIONLEDGERDEMOSECRETTOTPKEY"


def must_use_second_factor(user: User) -> bool:
    """Staff of any kind (a school, authority, trust or service role, an assignment to a child, or the site admin)
    must."""
    return (
        user.is_staff
        or user.memberships.exists()
        or user.assignments.exists()
        or user.trust_roles.exists()
        or user.service_roles.exists()
    )


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def asks_for_code(user: User) -> bool:
    """Whether signing in takes a code: always for staff, and for a parent who has set up an authenticator."""
    return must_use_second_factor(user) or confirmed_device(user) is not None


def pending_device(user: User) -> TOTPDevice:
    """The device being set up: kept until confirmed, so the code shown stays the same across page loads."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirm(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Check a code against a device; if right, confirm the device and mark this sign-in as having passed both steps."""
    if not device.verify_token(code.strip().replace(" ", "")):
        return False
    if not device.confirmed:
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    # A new session id once both steps are passed, so an id seen before the code (on a shared machine, in a log)
    # does not carry the fully signed-in session.
    request.session.cycle_key()
    return True


def secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed in: base32."""
    return b32encode(device.bin_key).decode()


def give_demo_device(user: User) -> TOTPDevice:
    """A confirmed device with the demo's shared secret (demo data only)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=b32decode(DEMO_SECRET).hex(), confirmed=True)


def is_demo_device(device: TOTPDevice) -> bool:
    return device.key == b32decode(DEMO_SECRET).hex()


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now, zero-padded."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def next_usable_code(device: TOTPDevice) -> str:
    """A code the device accepts now, even when this time step's code was just used (tests sign in repeatedly).

    A device refuses a code twice but accepts the next time step's code, within its tolerance of one step.
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{hotp(device.bin_key, max(totp.t(), device.last_t + 1), digits=device.digits):0{device.digits}d}"


def remove_devices(user: User) -> None:
    """Turn two-step sign-in off (parents only: the view checks)."""
    TOTPDevice.objects.filter(user=user).delete()
