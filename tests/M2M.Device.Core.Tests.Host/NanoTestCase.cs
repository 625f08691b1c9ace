using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests.Host;

/// <summary>
/// Finds the nanoFramework.TestFramework tests compiled into this assembly and runs one of them,
/// the way the nanoFramework test launcher does: [Setup] before, [Cleanup] after, once per
/// [DataRow] when there are rows. Static methods are invoked without an instance, as on the device.
/// </summary>
public static class NanoTestCase
{
    /// <summary>Every test case as "Class.Method" or "Class.Method#row".</summary>
    public static IEnumerable<object[]> All()
    {
        foreach (var type in TestClasses())
        {
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<TestMethodAttribute>() != null))
            {
                var rows = method.GetCustomAttributes<DataRowAttribute>().ToArray();
                if (rows.Length == 0)
                {
                    yield return [$"{type.Name}.{method.Name}"];
                }

                for (var row = 0; row < rows.Length; row++)
                {
                    yield return [$"{type.Name}.{method.Name}#{row}"];
                }
            }
        }
    }

    /// <summary>Runs the named case; an assertion failure surfaces as the thrown exception.</summary>
    public static void Run(string name)
    {
        var hash = name.IndexOf('#', StringComparison.Ordinal);
        var row = hash < 0 ? -1 : int.Parse(name[(hash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var qualified = hash < 0 ? name : name[..hash];
        var dot = qualified.LastIndexOf('.');
        var type = TestClasses().Single(t => t.Name == qualified[..dot]);
        var method = type.GetMethod(qualified[(dot + 1)..])!;
        var instance = method.IsStatic ? null : Activator.CreateInstance(type);
        var arguments = row < 0 ? null : method.GetCustomAttributes<DataRowAttribute>().ElementAt(row).MethodParameters;

        Invoke(type, instance, typeof(SetupAttribute));
        try
        {
            Invoke(method, instance, arguments);
        }
        finally
        {
            Invoke(type, instance, typeof(CleanupAttribute));
        }
    }

    private static IEnumerable<Type> TestClasses() =>
        typeof(NanoTestCase).Assembly.GetTypes().Where(t => t.GetCustomAttribute<TestClassAttribute>() != null).OrderBy(t => t.Name, StringComparer.Ordinal);

    private static void Invoke(Type type, object? instance, Type marker)
    {
        foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute(marker) != null))
        {
            Invoke(method, instance, null);
        }
    }

    private static void Invoke(MethodInfo method, object? instance, object[]? arguments)
    {
        try
        {
            method.Invoke(method.IsStatic ? null : instance, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
        }
    }
}
