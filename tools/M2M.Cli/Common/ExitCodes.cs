namespace M2M.Cli.Common;

/// <summary>
/// The exit codes of <c>m2m</c> (docs/cli.md, and the root command's help). Scripts branch on them,
/// so a code never changes meaning.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The command line is wrong (unknown command, missing or malformed option).</summary>
    public const int Usage = 1;

    /// <summary>No admin key was given (<c>--admin-key</c>, <c>--admin-key-file</c> or M2M_ADMIN_KEY), or its file cannot be read.</summary>
    public const int NoAdminKey = 2;

    /// <summary>The gateway refused the admin key (HTTP 401).</summary>
    public const int Unauthorized = 3;

    /// <summary>No such device, sink or dead letter (HTTP 404).</summary>
    public const int NotFound = 4;

    /// <summary>The device exists already, or the key is revoked or the last admin key (HTTP 409).</summary>
    public const int Conflict = 5;

    /// <summary>The gateway refused the input (HTTP 400: bad id, tenant, roles).</summary>
    public const int InvalidInput = 6;

    /// <summary>The gateway cannot be reached (connection refused, DNS, timeout).</summary>
    public const int Unreachable = 7;

    /// <summary>The token endpoint refused the request (an OAuth error, RFC 6749 section 5.2).</summary>
    public const int TokenRefused = 8;

    /// <summary>The gateway answered something unexpected (5xx, not JSON...).</summary>
    public const int GatewayError = 9;

    /// <summary>nanoff, the nanoFramework flasher, is not installed (provision, flash).</summary>
    public const int NanoffMissing = 10;

    /// <summary>nanoff ran and failed (board not found, not in download mode, port busy).</summary>
    public const int NanoffFailed = 11;

    /// <summary><c>m2m sim</c> ended with collected messages the gateway never acknowledged.</summary>
    public const int SimIncomplete = 12;

    /// <summary><c>m2m sink redeliver</c>: some dead letters failed again or were still queued when the wait ended.</summary>
    public const int RedeliveryIncomplete = 13;

    /// <summary>The key is valid but its roles or tenant do not allow the action (HTTP 403).</summary>
    public const int Forbidden = 14;

    /// <summary><c>m2m device command --wait</c>: the device answered with a status other than ok, or not within the wait.</summary>
    public const int CommandNotOk = 15;

    /// <summary><c>m2m policy test</c>: an expression policy refuses the described request.</summary>
    public const int PolicyRefused = 16;

    /// <summary><c>m2m device rotate --over-the-air</c>: the rotation failed or was rolled back; the device keeps its secret.</summary>
    public const int RotationFailed = 17;

    /// <summary><c>m2m device rotate --over-the-air</c>: the rotation had not finished when the wait ended (it goes on until its deadline).</summary>
    public const int RotationUnfinished = 18;

    /// <summary>The text the root command's help shows.</summary>
    public const string Help =
        "Exit codes: 0 ok, 1 usage, 2 no admin key, 3 admin key refused, 4 not found, 5 conflict (already exists, key revoked, last admin key), "
        + "6 invalid input, 7 gateway unreachable, 8 token request refused, 9 unexpected gateway answer, "
        + "10 nanoff not installed, 11 nanoff failed, 12 simulated messages left unacknowledged, "
        + "13 dead letters not all redelivered, 14 forbidden (the key's roles or tenant do not allow it), 15 command not answered ok, 16 refused by an expression policy (m2m policy test), "
        + "17 over-the-air rotation failed or rolled back, 18 over-the-air rotation not finished within the wait.";
}

/// <summary>A failure the CLI reports as one line on stderr with its exit code.</summary>
public sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CliException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    /// <summary>One of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; } = ExitCodes.GatewayError;
}
