namespace Doctolib.Telehealth.Signaling.Hosting;

/// <summary>Log messages of the embedded PostgreSQL cluster (event ids 100-119).</summary>
internal static partial class EmbeddedPostgresLog
{
    [LoggerMessage(100, LogLevel.Information, "Creating the embedded PostgreSQL cluster in {Folder}")]
    public static partial void Creating(ILogger logger, string folder);

    [LoggerMessage(101, LogLevel.Information, "Embedded PostgreSQL started (data in {Folder}, 127.0.0.1:{Port})")]
    public static partial void Started(ILogger logger, string folder, int port);

    [LoggerMessage(102, LogLevel.Warning, "The embedded PostgreSQL cluster in {Folder} was still running from an earlier run; restarting it")]
    public static partial void StaleCluster(ILogger logger, string folder);

    [LoggerMessage(103, LogLevel.Information, "Stopping the embedded PostgreSQL cluster in {Folder}")]
    public static partial void Stopping(ILogger logger, string folder);

    [LoggerMessage(104, LogLevel.Information, "No ConnectionStrings:Telehealth configured: using the embedded PostgreSQL cluster")]
    public static partial void UsingEmbedded(ILogger logger);
}
