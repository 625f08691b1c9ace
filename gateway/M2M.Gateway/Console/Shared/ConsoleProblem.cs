namespace M2M.Gateway.OperatorConsole;

/// <summary>
/// An error as the console shows it: the admin API's problem details (RFC 9457) with its stable
/// <c>code</c> (Admin/AdminProblems), so an operator sees the same words the API gives a script.
/// </summary>
/// <param name="Status">The HTTP status the admin API answers with.</param>
/// <param name="Code">The stable code.</param>
/// <param name="Title">The title.</param>
/// <param name="Detail">The detail, if any.</param>
public sealed record ConsoleProblem(int Status, string Code, string Title, string? Detail = null)
{
    /// <summary>The problem a device id that does not exist gives (the admin API's 404).</summary>
    public static ConsoleProblem DeviceNotFound(string deviceId) =>
        new(StatusCodes.Status404NotFound, Admin.AdminProblems.DeviceNotFound, "Device not found", $"No device '{deviceId}' is registered.");

    /// <summary>The admin API's 403 for the access policy's <paramref name="reason"/> (<c>missing_role</c>, <c>global_scope_required</c>, <c>other_tenant</c>).</summary>
    public static ConsoleProblem Forbidden(string reason) =>
        new(StatusCodes.Status403Forbidden, reason, Access.AccessProblems.Title, Access.AccessProblems.Detail(reason));
}
