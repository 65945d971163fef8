namespace AirsenalOps.Core.Secrets;

/// <summary>Files in DATA_DIR: readable and writable by the console's own user only (mode 600).</summary>
public static class OwnerOnlyFile
{
    /// <summary>
    /// Options that create the file mode 600: set at creation, so it is never readable by others even for a moment.
    /// </summary>
    public static FileStreamOptions Options(FileMode mode, FileAccess access = FileAccess.Write, long preallocate = 0)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, PreallocationSize = preallocate };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Storage.DataDirectory.FileMode;
        }

        return options;
    }

    public static void WriteAllText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = new FileStream(path, Options(FileMode.CreateNew));
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    /// <summary>The file's first line, or null when it does not exist.</summary>
    public static string? ReadFirstLine(string path) =>
        File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
}
