"""The stack from template.yaml, deployed into a moto server: what `repmon demo` and tests run against.

    with LocalStack() as stack:
        stack.create_secret("repmon/reddit", {...})
        stack.invoke("plan_polls", {"scheduled_time": "2024-05-01T12:00:00Z"})
        table = stack.outputs["TableName"]

Functions are deployed as placeholders (moto stores them but never runs them); `invoke` runs the
real handler in this process with the environment the deployed function has, pointed at moto.
`isolated=True` runs moto in a child process, immune to `mock_aws` resetting this process's moto.
With `artifact`, each invocation is instead a cold start in a fresh interpreter that sees only the
built layer and the runtime's boto3, as in Lambda (`repmon.localstack.artifact`).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from repmon.localstack.artifact import BuiltArtifact
from repmon.localstack.deploy import deploy_stack, read_stack, stack_exists
from repmon.localstack.lambda_runner import LambdaContext, call_handler, environment, load_handler
from repmon.localstack.moto_gaps import refs_to, restore_dropped_table_settings, restore_generated_secrets
from repmon.localstack.server import MotoServer
from repmon.localstack.template_loader import REGION, REPO_ROOT, TEMPLATE_PATH, load_sam_template

FUNCTIONS_ROOT = REPO_ROOT / "functions"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


class LocalStack:
    """A moto server (own thread or child process, or an existing endpoint) holding the repmon stack."""

    def __init__(
        self,
        *,
        parameters: Mapping[str, str] | None = None,
        stack_name: str = "repmon",
        endpoint_url: str | None = None,
        isolated: bool = False,
        template_path: Path = TEMPLATE_PATH,
        functions_root: Path = FUNCTIONS_ROOT,
        artifact: BuiltArtifact | None = None,
    ) -> None:
        self.parameters = dict(parameters or {})
        self.stack_name = stack_name
        self.template_path = template_path
        self.functions_root = functions_root
        self.artifact = artifact
        self.outputs: dict[str, str] = {}
        #: logical id -> (resource type, physical id) of every resource moto created
        self.resources: dict[str, tuple[str, str]] = {}
        self.deploy_seconds = 0.0
        self._endpoint_url = endpoint_url
        self._clients: dict[tuple[str, str, int], Any] = {}
        self._configs: dict[str, dict[str, Any]] = {}
        self._restored_refs: dict[str, dict[str, str]] = {}
        self._server = None if endpoint_url else MotoServer(isolated=isolated)

    @property
    def endpoint_url(self) -> str:
        if self._endpoint_url is None:
            raise RuntimeError("LocalStack is not started")
        return self._endpoint_url

    def start(self) -> LocalStack:
        if self._server is not None and self._endpoint_url is None:
            self._endpoint_url = self._server.start()
        started = time.monotonic()
        try:
            self._deploy_or_attach()
        except BaseException:
            self.stop()  # __exit__ never runs when __enter__ raises: do not leak the server
            raise
        self.deploy_seconds = time.monotonic() - started
        return self

    def _deploy_or_attach(self) -> None:
        cloudformation = self.client("cloudformation")
        # An existing endpoint may already hold the stack (a second demo run): attach to it
        fresh = not stack_exists(cloudformation, self.stack_name)
        if fresh:
            deploy_stack(
                cloudformation, self.client("s3"), self.template_path, self.stack_name, self.parameters
            )
        self.outputs, self.resources = read_stack(cloudformation, self.stack_name)
        template = load_sam_template(self.template_path)
        if fresh:
            restore_dropped_table_settings(template, self.resources, self.client("dynamodb"))
        restored = restore_generated_secrets(template, self.stack_name, self.client("secretsmanager"))
        self._restored_refs = refs_to(template, restored)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._endpoint_url = None

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def client(self, service: str) -> Any:
        """A boto3 client for `service` on the local endpoint (fake credentials, standard retries).

        Cached per service, endpoint and thread: a new session costs ~0.3 s of model loading, and
        the demo and backtest invoke handlers hundreds of times. Clients are thread-safe; sessions
        are not, so each thread builds its own.
        """
        key = (service, self.endpoint_url, threading.get_ident())
        if key not in self._clients:
            self._clients[key] = self._new_client(service)
        return self._clients[key]

    def _new_client(self, service: str) -> Any:
        return boto3.session.Session().client(  # type: ignore[call-overload]
            service,
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
            config=Config(retries={"mode": "standard", "max_attempts": 3}),
        )

    def aws_env(self) -> dict[str, str]:
        """Variables that point any AWS SDK (a subprocess, the CLI) at this stack."""
        return {**FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": self.endpoint_url}

    def function_name(self, key: str) -> str:
        """Deployed name for a logical id ("PlanPollsFunction"), folder ("plan_polls") or name."""
        for logical_id in (key, _logical_id_for_folder(key)):
            resource = self.resources.get(logical_id)
            if resource and resource[0] == "AWS::Lambda::Function":
                return resource[1]
        return key

    def function_env(self, logical_id_or_name: str) -> dict[str, str]:
        """The function's Environment.Variables as deployed, read back from moto's Lambda."""
        name = self.function_name(logical_id_or_name)
        config = self._configuration(name)
        variables = config.get("Environment", {}).get("Variables", {})
        logical_id = next((k for k, (_, physical) in self.resources.items() if physical == name), "")
        # Variables that Ref a resource moto could not create, filled with what we restored instead.
        restored = self._restored_refs.get(logical_id, {})
        return {**restored, **{key: _env_value(value) for key, value in variables.items()}}

    def invoke(
        self,
        function_dir_name: str,
        event: Any,
        extra_env: Mapping[str, str] | None = None,
        functions_root: Path | None = None,
    ) -> Any:
        """Run functions_root/<function_dir_name>/app.py's handler with the deployed environment.

        Not thread-safe across invocations: os.environ is process-wide (calls are serialised).
        """
        name = self.function_name(function_dir_name)
        config = self._configuration(name)
        env = {
            **self.function_env(name),
            **self.aws_env(),
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.get("MemorySize", 128)),
            **(extra_env or {}),
        }
        context = LambdaContext(
            function_name=name,
            memory_limit_in_mb=int(config.get("MemorySize", 128)),
            timeout_seconds=float(config.get("Timeout", 3)),
        )
        app_path = (functions_root or self.functions_root) / function_dir_name / "app.py"
        if self.artifact is not None:
            fields = {**vars(context), "invoked_function_arn": context.invoked_function_arn}
            return self.artifact.invoke(app_path.parent, event, env, fields)
        with environment(env):
            return call_handler(load_handler(app_path), event, context)

    def _configuration(self, name: str) -> dict[str, Any]:
        """The deployed function's configuration, read once: a stack's functions do not change."""
        if name not in self._configs:
            self._configs[name] = self.client("lambda").get_function_configuration(FunctionName=name)
        config: dict[str, Any] = self._configs[name]
        return config

    def create_secret(self, name: str, value: Mapping[str, Any]) -> str:
        """Create (or overwrite) a JSON secret, as the README asks users to; returns its ARN."""
        secrets = self.client("secretsmanager")
        try:
            arn: str = secrets.create_secret(Name=name, SecretString=json.dumps(value))["ARN"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ResourceExistsException":
                raise
            arn = secrets.put_secret_value(SecretId=name, SecretString=json.dumps(value))["ARN"]
        return arn


def _logical_id_for_folder(folder: str) -> str:
    """plan_polls -> PlanPollsFunction (DESIGN.md, "Naming")."""
    return "".join(part.capitalize() for part in folder.split("_")) + "Function"


def _env_value(value: object) -> str:
    # moto keeps a Number parameter's value as a JSON number; Lambda only ever holds strings
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
