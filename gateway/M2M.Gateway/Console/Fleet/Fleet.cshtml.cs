using M2M.Gateway.OperatorConsole.SignIn;
using M2M.Gateway.Registry;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace M2M.Gateway.OperatorConsole.Fleet;

/// <summary>The fleet: every device with its status, filtered and paged on the server.</summary>
public sealed class FleetModel(FleetQuery fleet, TimeProvider time) : PageModel
{
    /// <summary>Id prefix to search for.</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Tenant { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Role { get; set; }

    [BindProperty(SupportsGet = true)]
    public FleetStatus Status { get; set; }

    /// <summary>The last id of the previous page.</summary>
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public FleetPage Devices { get; private set; } = new([], null);

    /// <summary>The gateway's registered devices, for a global key; null for a tenant-scoped one (the figure covers every tenant).</summary>
    public long? Registered { get; private set; }

    public int Connected { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync()
    {
        Now = time.GetUtcNow();
        // A tenant-scoped key sees its tenant's devices only, as the admin API lists them: its tenant
        // is the filter, and a filter on another tenant finds nothing.
        var principal = ConsoleSession.Access(User);
        var tenant = Blank(Tenant) ?? principal.Tenant;
        if (principal.Sees(tenant))
        {
            var query = new DevicePageQuery(Blank(After), FleetQuery.PageSize, Blank(Search)?.ToLowerInvariant(), tenant, Blank(Role));
            Devices = await fleet.ReadAsync(query, Status, HttpContext.RequestAborted).ConfigureAwait(false);
        }

        if (principal.IsGlobal)
        {
            (Registered, Connected) = await fleet.CountAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>The query string of the page after <paramref name="after"/> (the first when null), keeping the filters.</summary>
    public string PageQuery(string? after) => QueryString.Create(new Dictionary<string, string?>
    {
        ["q"] = Blank(Search),
        ["tenant"] = Blank(Tenant),
        ["role"] = Blank(Role),
        ["status"] = Status == FleetStatus.All ? null : Status.ToString(),
        ["after"] = after,
    }.Where(p => p.Value != null)).ToString();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
