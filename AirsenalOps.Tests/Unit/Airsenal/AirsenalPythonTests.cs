using AirsenalOps.Core.Airsenal;
using AirsenalOps.Tests.Support;

namespace AirsenalOps.Tests.Unit.Airsenal;

public sealed class AirsenalPythonTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("3.10.0", true)]
    [InlineData("3.14.2", true)]
    [InlineData("3.9.18", false)]
    [InlineData("4.0.0", false)]
    [InlineData("3.12", false)]
    [InlineData("not a version", false)]
    public void IsSupported_FollowsAirsenalsRange(string version, bool supported) =>
        Assert.Equal(supported, AirsenalPython.IsSupported(version));

    [Fact]
    public void InterpreterOf_ReadsAnAbsoluteShebang_EnvWithOptions_AndPipsShellWrapper()
    {
        var python = Write("python3.12", "#!/bin/sh\n");

        Assert.Equal(python, AirsenalPython.InterpreterOf(Write("a", $"#!{python}\n"), _ => null));
        Assert.Equal(python, AirsenalPython.InterpreterOf(Write("b", "#!/usr/bin/env -S PYTHONUNBUFFERED=1 python3.12 -u\n"), name => name == "python3.12" ? python : null));
        Assert.Equal(python, AirsenalPython.InterpreterOf(Write("c", $"#!/bin/sh\n'''exec' \"{python}\" \"$0\" \"$@\"\n' '''\n"), _ => null));
        Assert.Null(AirsenalPython.InterpreterOf(Write("d", "#!/usr/bin/env python9\n"), _ => null));
        Assert.Null(AirsenalPython.InterpreterOf(Write("e", "\u007fELF binary"), _ => null));
    }

    private string Write(string name, string text)
    {
        File.WriteAllText(_dir.File(name), text);
        return _dir.File(name);
    }

    public void Dispose() => _dir.Dispose();
}
