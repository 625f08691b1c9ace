using System.CommandLine;
using System.Text.Json;
using M2M.Cli.Admin;
using M2M.Cli.Commands;
using M2M.Cli.Common;
using M2M.Cli.Rotation;

namespace M2M.Cli.Devices;

/// <summary><c>m2m device add|list|show|disable|enable|rotate|rotations|rotate-every|delete|command|commands</c>, over the admin API.</summary>
public static class DeviceCommands
{
    public static Command Build()
    {
        var device = new Command("device", "Register and manage devices through the gateway's admin API.");
        device.Subcommands.Add(Add());
        device.Subcommands.Add(List());
        device.Subcommands.Add(WithId("show", "Show one device (never its secret).", HttpMethod.Get, id => $"/admin/v1/devices/{id}"));
        device.Subcommands.Add(WithId("disable", "Disable a device: its token requests are refused and its sessions cut.", HttpMethod.Post, id => $"/admin/v1/devices/{id}/disable"));
        device.Subcommands.Add(WithId("enable", "Enable a disabled device.", HttpMethod.Post, id => $"/admin/v1/devices/{id}/enable"));
        device.Subcommands.Add(RotationCommands.Rotate());
        device.Subcommands.Add(RotationCommands.List());
        device.Subcommands.Add(RotationCommands.Schedule());
        device.Subcommands.Add(Delete());
        device.Subcommands.Add(CommandCommands.Send());
        device.Subcommands.Add(CommandCommands.List());
        return device;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The device id (3 to 64 of a-z, 0-9, '-')." };

    private static Command Add()
    {
        var id = IdArgument();
        var tenant = new Option<string>("--tenant") { Description = "The device's tenant.", Required = true };
        var roles = new Option<string[]>("--role") { Description = "A role of the device; repeat for several.", AllowMultipleArgumentsPerToken = false };
        var command = new Command("add", "Register a device; prints its secret once, to be written to the board.") { id, tenant, roles };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var body = new
            {
                id = context.ParseResult.GetValue(id),
                tenant = context.ParseResult.GetValue(tenant),
                roles = context.ParseResult.GetValue(roles) ?? [],
            };
            using var client = AdminClient.For(context);
            var device = await client.SendAsync(HttpMethod.Post, "/admin/v1/devices", body, context.CancellationToken).ConfigureAwait(false);
            await WriteDeviceAsync(context, device!.Value).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List every device (never their secrets).");
        command.SetAction(GlobalOptions.Run(async context =>
        {
            using var client = AdminClient.For(context);
            var devices = (await client.SendAsync(HttpMethod.Get, "/admin/v1/devices", null, context.CancellationToken).ConfigureAwait(false))!.Value;
            await Output.WriteAsync(context, devices, DeviceView.WriteList).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command WithId(string name, string description, HttpMethod method, Func<string, string> path) =>
        AdminCommand.ForResource(name, description, IdArgument(), method, path, DeviceView.WriteDevice);

    private static Command Delete()
    {
        var id = IdArgument();
        var command = new Command("delete", "Delete a device.") { id };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var deviceId = context.ParseResult.GetValue(id)!;
            using var client = AdminClient.For(context);
            await client.SendAsync(HttpMethod.Delete, $"/admin/v1/devices/{Uri.EscapeDataString(deviceId)}", null, context.CancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(new { id = deviceId, deleted = true })).ConfigureAwait(false);
            }
            else
            {
                await context.Output.WriteLineAsync($"Deleted device {deviceId}.").ConfigureAwait(false);
            }
        }));
        return command;
    }

    private static Task WriteDeviceAsync(CommandContext context, JsonElement device) => Output.WriteAsync(context, device, DeviceView.WriteDevice);
}
