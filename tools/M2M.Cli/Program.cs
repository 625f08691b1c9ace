using M2M.Cli;

return await CliApp.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
