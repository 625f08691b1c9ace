using M2M.Gateway.Admin;

namespace M2M.Fuzz.Gateway;

/// <summary>
/// The admin API's JSON bodies as its handlers read them (docs/admin-api.md): <c>POST
/// /admin/v1/devices</c> (<see cref="AdminDeviceEndpoints.ReadAddRequestAsync"/>) when byte 0 is
/// even, the dead-letter redelivery (<see cref="AdminSinkEndpoints.ReadIdsAsync"/>) when it is odd;
/// bit 1 sends the body chunked. An admin key stands before both, but a leaked or a buggy client's
/// body must still get a problem answer, never a 500. Checks that an accepted device body holds a
/// valid id, tenant and roles.
/// </summary>
public sealed class AdminJsonTarget : FuzzTarget
{
    private static readonly HashSet<string> ReasonSet =
    [
        "device_ok", "ids_ok", "all_dead_letters", AdminProblems.InvalidBody, AdminProblems.InvalidDeviceId, AdminProblems.InvalidTenant, AdminProblems.InvalidRoles,
    ];

    public override string Name => "admin-json";

    public override string Side => "gateway";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        var choice = input.Length == 0 ? 0 : input[0];
        var request = HttpRequests.Of("application/json", input.Length == 0 ? [] : input[1..], chunked: (choice & 2) != 0);
        if ((choice & 1) == 0)
        {
            var (body, problem) = AdminDeviceEndpoints.ReadAddRequestAsync(request).GetAwaiter().GetResult();
            if (problem != null)
            {
                return problem.Value.Code;
            }

            if (!M2M.Gateway.Registry.DeviceNames.IsValidDeviceId(body!.Id) || !M2M.Gateway.Registry.DeviceNames.IsValidTenant(body.Tenant))
            {
                throw new FuzzInvariantException("admin-json: a device body accepted with an invalid id or tenant");
            }

            return "device_ok";
        }

        var (ids, idsProblem) = AdminSinkEndpoints.ReadIdsAsync(request).GetAwaiter().GetResult();
        return idsProblem != null ? AdminProblems.InvalidBody : ids == null ? "all_dead_letters" : "ids_ok";
    }
}
