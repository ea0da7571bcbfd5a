using System.Diagnostics;
using Npgsql;

namespace Doctolib.Telehealth.TestInfrastructure;

/// <summary>Counts the commands Npgsql sends to one database while it is alive, from Npgsql's own tracing
/// (<c>ActivitySource "Npgsql"</c>), whichever connection or pool sends them: tests of what a server does at rest.</summary>
public sealed class NpgsqlCommandCounter : IDisposable
{
    private readonly ActivityListener _listener;
    private int _commands;

    public NpgsqlCommandCounter(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.TagObjects.Any(t => t.Value is string value && value == database))
                {
                    Interlocked.Increment(ref _commands);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Commands to the database seen since this counter was made.</summary>
    public int Commands => Volatile.Read(ref _commands);

    public void Dispose() => _listener.Dispose();
}
