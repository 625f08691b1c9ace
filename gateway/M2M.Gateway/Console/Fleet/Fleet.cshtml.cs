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

    public long Registered { get; private set; }

    public int Connected { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync()
    {
        Now = time.GetUtcNow();
        var query = new DevicePageQuery(Blank(After), FleetQuery.PageSize, Blank(Search)?.ToLowerInvariant(), Blank(Tenant), Blank(Role));
        Devices = await fleet.ReadAsync(query, Status, HttpContext.RequestAborted).ConfigureAwait(false);
        (Registered, Connected) = await fleet.CountAsync(HttpContext.RequestAborted).ConfigureAwait(false);
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
