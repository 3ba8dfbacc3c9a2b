"""Config flow: DSM address, then password or DSM single sign-on (OpenID Connect).

Password sign-in asks for a one-time code when DSM wants one. Single sign-on goes
through DSM's own SSO Client (auth.md §8.1): the flow shows DSM's authorization link,
the user signs in at the identity provider, whose redirect lands on the DSM address,
and pastes that address; DSM redeems the code in it. A 2-step account then continues
with the one-time code step.
"""

from datetime import timedelta
from typing import TYPE_CHECKING, Any, override

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlowWithReload,
)
from homeassistant.const import (
    CONF_PASSWORD,
    CONF_URL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.util import dt as dt_util
import probatio
from yarl import URL

from .api import (
    APP_NAMES,
    SSO_CODE_LIFETIME_SECONDS,
    DsmAccountUnusableError,
    DsmApp,
    DsmClient,
    DsmError,
    DsmOtpRequiredError,
    DsmSession,
    DsmSslError,
    DsmSsoUnavailableError,
    DsmSystem,
    NasInfo,
    PasswordCredentials,
    SsoLandingError,
    SsoSignIn,
    answers_plain_http,
    second_factor_token,
)
from .apps import APPS, SUPPORTED_APPS, used_apps
from .const import (
    CONF_APPS,
    CONF_AUTH_METHOD,
    CONF_DEVICE_TOKEN,
    CONF_OTP_CODE,
    CONF_SESSION_ID,
    CONF_SSO_LANDING,
    CONF_SYNOTOKEN,
    CONF_UPDATE_INTERVAL,
    DEFAULT_PORTS,
    DEFAULT_UPDATE_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_UPDATE_INTERVAL_MINUTES,
    MIN_UPDATE_INTERVAL_MINUTES,
    AuthMethod,
)
from .data import DsmConfigEntry, auth_method_of, create_client, credentials_from
from .discovery import (
    CONF_MACS,
    Announcement,
    entries_of,
    from_ssdp,
    from_zeroconf,
    moved_url,
)
from .error_policy import connection_error, form_error

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
    from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

ADDRESS_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
        probatio.Required(CONF_VERIFY_SSL, default=True): BooleanSelector(),
    }
)
CREDENTIALS_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_USERNAME): TextSelector(
            TextSelectorConfig(type=TextSelectorType.TEXT, autocomplete="username")
        ),
        probatio.Required(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(
                type=TextSelectorType.PASSWORD, autocomplete="current-password"
            )
        ),
    }
)
REAUTH_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(
                type=TextSelectorType.PASSWORD, autocomplete="current-password"
            )
        ),
    }
)
# DSM's authenticator codes (TOTP) have six digits.
OTP_DIGITS = 6
OTP_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_OTP_CODE): TextSelector(
            TextSelectorConfig(type=TextSelectorType.TEXT, autocomplete="one-time-code")
        ),
    }
)

# Translations may not contain URLs; the example address comes in as a placeholder.
ADDRESS_PLACEHOLDERS = {
    "example_url": "https://nas.local:5001",
    "supported_apps": ", ".join(sorted(APP_NAMES[app] for app in SUPPORTED_APPS)),
}

SSO_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_SSO_LANDING): TextSelector(
            TextSelectorConfig(type=TextSelectorType.TEXT)
        ),
    }
)

# The form a failed sign-in shows again, by step.
STEP_SCHEMAS = {
    "credentials": CREDENTIALS_SCHEMA,
    "otp": OTP_SCHEMA,
    "reauth_confirm": REAUTH_SCHEMA,
}
SIGN_IN_METHODS = ["credentials", "sso"]
# An entry whose NAS moved connects to the new address at once; others when set up.
RELOAD_WHEN_MOVED = (ConfigEntryState.LOADED, ConfigEntryState.SETUP_RETRY)
# A code is refused as probably expired once this long has passed since the link was shown.
SSO_CODE_LIFETIME = timedelta(seconds=SSO_CODE_LIFETIME_SECONDS)


def normalize_url(raw: str) -> str:
    """Return scheme://host[:port] for what the user typed.

    A bare host or host:port means DSM's own HTTPS port unless a port is given.
    """
    text = raw.strip()
    if "://" not in text:
        text = f"https://{text}"
    url = URL(text)
    if url.scheme not in DEFAULT_PORTS or not url.host or url.path not in ("", "/"):
        msg = "not a DSM address"
        raise ValueError(msg)
    port = url.explicit_port
    if port is None and "://" not in raw:
        port = DEFAULT_PORTS[url.scheme]
    return str(URL.build(scheme=url.scheme, host=url.host, port=port))


def unique_id_for(nas: NasInfo, account: str) -> str:
    """Identify a DSM account on a NAS; DSM user names are case-insensitive."""
    return f"{nas.serial}_{account.casefold()}"


class SynologyNativeConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a DSM account, sign in again, or move it to a new address or sign-in."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with nothing known."""
        self._url = ""
        self._verify_ssl = True
        self._client: DsmClient | None = None
        self._credentials: PasswordCredentials | None = None
        self._installed_apps: frozenset[DsmApp] = frozenset()
        # The single sign-on under way, and when its link was shown.
        self._sso: SsoSignIn | None = None
        self._sso_shown_at = dt_util.utcnow()
        # The token DSM's 403 gave an SSO sign-in to continue with a one-time code.
        self._sso_second_factor: str | None = None
        # The NAS that announced itself, when the flow started from its announcement.
        self._discovered: Announcement | None = None

    @staticmethod
    @callback
    @override
    def async_get_options_flow(
        config_entry: DsmConfigEntry,
    ) -> SynologyNativeOptionsFlow:
        return SynologyNativeOptionsFlow()

    @classmethod
    @callback
    @override
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        return {
            kind: flow for spec in APPS for kind, flow in spec.subentry_flows.items()
        }

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the DSM address and check that it is a DSM with our apps."""
        return await self._async_address_step("user", user_input, user_input)

    async def async_step_zeroconf(
        self, discovery_info: ZeroconfServiceInfo
    ) -> ConfigFlowResult:
        """Handle a NAS announcing itself over zeroconf."""
        return await self._async_discovered(from_zeroconf(discovery_info))

    async def async_step_ssdp(
        self, discovery_info: SsdpServiceInfo
    ) -> ConfigFlowResult:
        """Handle a NAS announcing itself over SSDP."""
        return await self._async_discovered(from_ssdp(discovery_info))

    async def _async_discovered(self, nas: Announcement | None) -> ConfigFlowResult:
        """Follow a configured NAS to its new address, or offer to add a new one.

        A NAS with entries is not offered again (another DSM user is added from "Add
        entry"); the sign-in that follows an offer still refuses a user set up already.
        """
        if nas is None:
            return self.async_abort(reason="not_synology")
        known = entries_of(self.hass, nas)
        for entry in known:
            data = {
                **entry.data,
                CONF_MACS: sorted(nas.macs | set(entry.data.get(CONF_MACS, ()))),
                CONF_URL: moved_url(entry, nas),
            }
            if data != entry.data:
                moved = data[CONF_URL] != entry.data[CONF_URL]
                self.hass.config_entries.async_update_entry(entry, data=data)
                if moved:
                    LOGGER.info("%s now answers at %s", entry.title, nas.host)
                if moved and entry.state in RELOAD_WHEN_MOVED:
                    self.hass.config_entries.async_schedule_reload(entry.entry_id)
        if known:
            return self.async_abort(reason="already_configured")
        # One offer per NAS, however many ways and interfaces it announces itself on.
        await self.async_set_unique_id(
            f"discovered_{nas.serial or min(nas.macs, default=nas.host)}"
        )
        self._discovered = nas
        self.context["title_placeholders"] = {"name": nas.name}
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the announced NAS's address, to be confirmed or corrected."""
        assert self._discovered is not None  # noqa: S101 - only reached from discovery
        return await self._async_address_step(
            "discovery_confirm",
            user_input,
            user_input or {CONF_URL: self._discovered.url},
        )

    async def async_step_sign_in_method(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer password or single sign-on once the address is known."""
        return self.async_show_menu(
            step_id="sign_in_method", menu_options=SIGN_IN_METHODS
        )

    async def async_step_credentials(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the DSM user name and password."""
        if user_input is not None:
            account = user_input[CONF_USERNAME].strip()
            credentials = PasswordCredentials(
                account=account,
                password=user_input[CONF_PASSWORD],
                device_token=self._known_device_token(account),
            )
            return await self._async_sign_in(
                "credentials", credentials, user_input, None
            )
        return self._credentials_form({})

    async def async_step_otp(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the one-time code of a 2-step verification account."""
        if user_input is None:
            return self.async_show_form(step_id="otp", data_schema=OTP_SCHEMA)
        code = "".join(user_input[CONF_OTP_CODE].split())
        if not (code.isdigit() and len(code) == OTP_DIGITS):
            # Not a code at all: say so, instead of DSM's "wrong or already used".
            return self.async_show_form(
                step_id="otp",
                data_schema=OTP_SCHEMA,
                errors={"base": "otp_malformed"},
                description_placeholders=self._placeholders(),
            )
        if self._sso_second_factor is not None:
            token = self._sso_second_factor
            return await self._async_open(
                "otp",
                {},
                lambda client: client.login_sso_second_factor(token, code),
                self._async_finish_sso,
            )
        assert self._credentials is not None  # noqa: S101 - only reached after a sign-in
        return await self._async_sign_in("otp", self._credentials, {}, code)

    async def async_step_sso(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show DSM's single sign-on link and take the address the browser landed on."""
        return await self._async_sso_step("sso", user_input)

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Sign in again after DSM refused the stored credentials or ended the session."""
        self._use_client(entry_data[CONF_URL], entry_data[CONF_VERIFY_SSL])
        if auth_method_of(entry_data) is AuthMethod.SSO:
            return await self.async_step_reauth_sso()
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the password again; the stored device token still skips the code."""
        entry = self._get_reauth_entry()
        if user_input is not None:
            return await self._async_sign_in(
                "reauth_confirm",
                credentials_from({**entry.data, **user_input}),
                {},
                None,
            )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=REAUTH_SCHEMA,
            description_placeholders=self._placeholders(),
        )

    async def async_step_reauth_sso(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Run single sign-on again: DSM ended the session only it could open."""
        return await self._async_sso_step("reauth_sso", user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Move the entry to a new DSM address, SSL setting or sign-in method."""
        return await self._async_address_step(
            "reconfigure", user_input, user_input or self._get_reconfigure_entry().data
        )

    async def _async_address_step(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        suggested: Mapping[str, Any] | None,
    ) -> ConfigFlowResult:
        """Check the address entered in step_id, then ask how to sign in."""
        errors: dict[str, str] = {}
        if user_input is not None:
            error = await self._async_use_address(
                user_input[CONF_URL], user_input[CONF_VERIFY_SSL]
            )
            if error is None:
                return await self.async_step_sign_in_method()
            errors["base"] = error
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(ADDRESS_SCHEMA, suggested),
            errors=errors,
            description_placeholders=self._placeholders(),
        )

    def _placeholders(self) -> dict[str, str]:
        """Return what the texts of this flow's forms refer to."""
        placeholders = dict(ADDRESS_PLACEHOLDERS)
        # The address tried, for the errors that say why it could not be reached.
        placeholders["address"] = self._url or ""
        if self._discovered is not None:
            placeholders["name"] = self._discovered.name
        if self.source == SOURCE_REAUTH:
            placeholders[CONF_USERNAME] = self._get_reauth_entry().data[CONF_USERNAME]
        return placeholders

    def _use_client(self, url: str, verify_ssl: bool) -> DsmClient:
        self._url, self._verify_ssl = url, verify_ssl
        self._client = create_client(self.hass, url, verify_ssl=verify_ssl)
        return self._client

    async def _async_use_address(self, raw_url: str, verify_ssl: bool) -> str | None:
        """Check the address answers as a DSM with at least one supported app."""
        try:
            url = normalize_url(raw_url)
        except ValueError:
            return "invalid_url"
        try:
            apps = await DsmSystem(self._use_client(url, verify_ssl)).apps()
        except DsmSslError:
            # https:// on DSM's HTTP port fails in the TLS handshake, certificate or not.
            plain = await answers_plain_http(async_get_clientsession(self.hass), url)
            return "http_port" if plain else "ssl_error"
        except DsmError as err:
            LOGGER.debug("%s does not answer as DSM: %s", url, err)
            return connection_error(err)
        self._installed_apps = apps
        return None if apps & SUPPORTED_APPS else "no_apps"

    def _existing_entry_data(self) -> Mapping[str, Any]:
        """Return the data of the entry being reauthenticated or reconfigured."""
        if self.source == SOURCE_REAUTH:
            return self._get_reauth_entry().data
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_entry().data
        return {}

    def _known_device_token(self, account: str) -> str | None:
        """Reuse the entry's device token when the same DSM user signs in again."""
        data = self._existing_entry_data()
        if str(data.get(CONF_USERNAME, "")).casefold() != account.casefold():
            return None
        return data.get(CONF_DEVICE_TOKEN)

    def _credentials_form(
        self, errors: dict[str, str], user_input: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the password form, with the account of the entry at hand suggested."""
        account = self._existing_entry_data().get(CONF_USERNAME)
        suggested = user_input or ({CONF_USERNAME: account} if account else None)
        return self.async_show_form(
            step_id="credentials",
            data_schema=self.add_suggested_values_to_schema(
                CREDENTIALS_SCHEMA, suggested
            ),
            errors=errors,
            description_placeholders=self._placeholders(),
        )

    async def _async_sso_step(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Get DSM's link once, then sign in with the code of the pasted address.

        Where single sign-on cannot work at all, the password form says why.
        """
        assert self._client is not None  # noqa: S101 - every step sets the client first
        if URL(self._url).scheme != "https":
            return self._credentials_form({"base": "sso_needs_https"})
        if self._sso is None:
            try:
                self._sso = await self._client.start_sso()
            except DsmSsoUnavailableError as err:
                LOGGER.debug("No single sign-on: %s", err)
                return self._credentials_form({"base": "sso_not_configured"})
            except DsmError as err:
                LOGGER.debug("Single sign-on did not start: %s", err)
                return self._credentials_form({"base": connection_error(err)})
        if user_input is None:
            return self._sso_form(step_id, self._sso_host_warning())
        sso = self._sso
        try:
            code = sso.code_from(user_input[CONF_SSO_LANDING])
        except SsoLandingError as err:
            error = {"base": f"landing_{err.problem}"}
            return self._sso_form(step_id, error, {"error": err.provider_error})
        # Signing in again, the entry's trusted device skips the one-time code.
        device_token = self._existing_entry_data().get(CONF_DEVICE_TOKEN)
        return await self._async_open(
            step_id,
            {},
            lambda client: client.login_sso(sso, code, device_token),
            self._async_finish_sso,
        )

    def _sso_host_warning(self) -> dict[str, str]:
        """Explain, before the user signs in, a redirect URI on another host.

        auth.md §8.2: the browser lands on the redirect URI's host; DSM 7.0/7.1 offer
        SSO only on that host and 7.2 picks a URI by the host the request used.
        """
        assert self._sso is not None  # noqa: S101 - the link is fetched first
        landing_host = self._sso.redirect_host
        if landing_host is None or landing_host == URL(self._url).host:
            return {}
        return {"base": "sso_host_mismatch"}

    def _sso_form(
        self,
        step_id: str,
        errors: dict[str, str],
        placeholders: Mapping[str, str] | None = None,
    ) -> ConfigFlowResult:
        """Show the SSO step: the link to open, and the field for the landing address."""
        assert self._sso is not None  # noqa: S101 - the link is fetched first
        # The code's short life starts when the user can open the link.
        self._sso_shown_at = dt_util.utcnow()
        return self.async_show_form(
            step_id=step_id,
            data_schema=SSO_SCHEMA,
            errors=errors,
            description_placeholders={
                **self._placeholders(),
                **(placeholders or {}),
                "auth_url": self._sso.url,
                "entry_host": str(URL(self._url).host),
                "redirect_host": self._sso.redirect_host or "",
            },
        )

    async def _async_sign_in(
        self,
        step_id: str,
        credentials: PasswordCredentials,
        user_input: dict[str, Any],
        otp_code: str | None,
    ) -> ConfigFlowResult:
        """Sign in with a password, then create or update the entry."""
        self._credentials = credentials

        async def finish(session: DsmSession, nas: NasInfo) -> ConfigFlowResult:
            await self._async_sign_out()
            data = {
                CONF_URL: self._url,
                CONF_VERIFY_SSL: self._verify_ssl,
                CONF_AUTH_METHOD: AuthMethod.PASSWORD,
                CONF_USERNAME: credentials.account,
                CONF_PASSWORD: credentials.password,
            }
            if session.device_token:
                data[CONF_DEVICE_TOKEN] = session.device_token
            return await self._async_finish(nas, data)

        return await self._async_open(
            step_id,
            user_input,
            lambda client: client.login(credentials, otp_code),
            finish,
        )

    async def _async_open(
        self,
        step_id: str,
        user_input: dict[str, Any],
        open_session: Callable[[DsmClient], Awaitable[DsmSession]],
        finish: Callable[[DsmSession, NasInfo], Awaitable[ConfigFlowResult]],
    ) -> ConfigFlowResult:
        """Open a session and read the NAS; on failure show step_id again with why.

        A session opened before a later failure is closed again, so nothing is left
        half-created.
        """
        client = self._client
        assert client is not None  # noqa: S101 - every step sets the client first
        placeholders = self._placeholders()
        try:
            session = await open_session(client)
            nas = await DsmSystem(client).info()
        except DsmOtpRequiredError as err:
            if step_id in ("sso", "reauth_sso"):
                self._sso_second_factor = second_factor_token(err.detail)
            return await self.async_step_otp()
        except DsmError as err:
            error = await self._async_sign_in_error(err, placeholders)
        else:
            return await finish(session, nas)
        errors = {"base": error}
        if (
            step_id == "otp"
            and self._sso_second_factor is not None
            and error in ("code_refused", "code_expired")
        ):
            # DSM forgot the sign-in waiting for its code: start over at the link.
            self._sso_second_factor = None
            step_id = "reauth_sso" if self.source == SOURCE_REAUTH else "sso"
        if step_id in ("sso", "reauth_sso"):
            return self._sso_form(step_id, errors, placeholders)
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                STEP_SCHEMAS[step_id], user_input
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_sign_in_error(
        self, err: DsmError, placeholders: dict[str, str]
    ) -> str:
        """Name the form error of a failed sign-in; close a session it left open."""
        LOGGER.debug("Signing in to %s failed: %s", self._url, err)
        expired = dt_util.utcnow() - self._sso_shown_at > SSO_CODE_LIFETIME
        error = form_error(err, sso_code_expired=expired)
        if isinstance(err, DsmAccountUnusableError):
            placeholders["reason"] = err.meaning
        if error == connection_error(err):
            # The NAS failed, not the sign-in: close the session it may have opened.
            await self._async_sign_out()
        return error

    async def _async_finish_sso(
        self, session: DsmSession, nas: NasInfo
    ) -> ConfigFlowResult:
        """Keep the session single sign-on opened in the entry: nothing else can renew it."""
        data = {
            CONF_URL: self._url,
            CONF_VERIFY_SSL: self._verify_ssl,
            CONF_AUTH_METHOD: AuthMethod.SSO,
            CONF_USERNAME: session.account,
            **_sso_session_data(session),
        }
        try:
            return await self._async_finish(nas, data)
        except AbortFlow:
            # Another entry has this account, or reauth found another one.
            await self._async_sign_out()
            raise

    async def _async_sign_out(self) -> None:
        """End the flow's own session; the entry signs in by itself."""
        assert self._client is not None  # noqa: S101
        try:
            await self._client.logout()
        except DsmError as err:
            LOGGER.debug("Signing out of %s failed: %s", self._url, err)

    async def _async_finish(
        self, nas: NasInfo, data: dict[str, Any]
    ) -> ConfigFlowResult:
        await self.async_set_unique_id(unique_id_for(nas, data[CONF_USERNAME]))
        if self.source == SOURCE_REAUTH:
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            return self.async_update_reload_and_abort(
                self._get_reauth_entry(), data=data
            )
        if self.source == SOURCE_RECONFIGURE:
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            return self.async_update_reload_and_abort(
                self._get_reconfigure_entry(), data=data
            )
        self._abort_if_unique_id_configured()
        if self._discovered is not None:
            data = {**data, CONF_MACS: sorted(self._discovered.macs)}
        # Every installed app starts chosen; an app that disappears later is reported.
        return self.async_create_entry(
            title=f"{nas.model} {data[CONF_USERNAME]}",
            data=data,
            options={CONF_APPS: sorted(self._installed_apps & SUPPORTED_APPS)},
        )


def _sso_session_data(session: DsmSession) -> dict[str, str]:
    """Return what an SSO entry keeps of its DSM session."""
    data = {CONF_SESSION_ID: session.sid}
    if session.synotoken:
        data[CONF_SYNOTOKEN] = session.synotoken
    if session.device_token:
        data[CONF_DEVICE_TOKEN] = session.device_token
    return data


class SynologyNativeOptionsFlow(OptionsFlowWithReload):
    """Choose the apps to use and how often to poll them."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the options; saving reloads the entry."""
        errors: dict[str, str] = {}
        if user_input is not None:
            for spec in APPS:
                if spec.options is not None:
                    errors |= spec.options.problems(user_input)
            if not errors:
                return self.async_create_entry(data=user_input)
        entry: DsmConfigEntry = self.config_entry
        if entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        offered = sorted(entry.runtime_data.installed_apps & SUPPORTED_APPS)
        schema = probatio.Schema(
            {
                probatio.Required(
                    CONF_APPS,
                    default=[
                        app
                        for app in entry.options.get(CONF_APPS, offered)
                        if app in offered
                    ],
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=offered, multiple=True, translation_key=CONF_APPS
                    )
                ),
                probatio.Required(
                    CONF_UPDATE_INTERVAL,
                    default=entry.options.get(
                        CONF_UPDATE_INTERVAL,
                        DEFAULT_UPDATE_INTERVAL.total_seconds() / 60,
                    ),
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_UPDATE_INTERVAL_MINUTES,
                        max=MAX_UPDATE_INTERVAL_MINUTES,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="min",
                    )
                ),
            }
        )
        for spec, runtime in used_apps(entry):
            if spec.options is not None:
                schema = schema.extend(spec.options.fields(self.hass, entry, runtime))
        return self.async_show_form(step_id="init", data_schema=schema, errors=errors)
