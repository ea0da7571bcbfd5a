namespace Doctolib.Telehealth.Media.Forwarding;

/// <summary>The down tracks one peer receives, keyed by the (kept) publisher SSRC. Copy-on-write: the receive loop
/// reads it without a lock; <see cref="PublishedTrack"/> adds and removes under its own lock.</summary>
internal sealed class DownTrackSet
{
    private readonly Lock _gate = new();
    private DownTrack[] _items = [];

    public DownTrack[] Items => Volatile.Read(ref _items);

    public DownTrack? Find(uint ssrc)
    {
        DownTrack[] items = Items;
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i].Source.Ssrc == ssrc)
            {
                return items[i];
            }
        }

        return null;
    }

    internal void Add(DownTrack downTrack)
    {
        lock (_gate)
        {
            DownTrack[] current = _items;
            var next = new DownTrack[current.Length + 1];
            int n = 0;
            foreach (DownTrack existing in current)
            {
                if (existing.Source != downTrack.Source)
                {
                    next[n++] = existing;
                }
            }

            next[n++] = downTrack;
            Volatile.Write(ref _items, n == next.Length ? next : next[..n]);
        }
    }

    internal void Remove(PublishedTrack source)
    {
        lock (_gate)
        {
            DownTrack[] current = _items;
            int keep = 0;
            foreach (DownTrack existing in current)
            {
                keep += existing.Source == source ? 0 : 1;
            }

            if (keep == current.Length)
            {
                return;
            }

            var next = new DownTrack[keep];
            int n = 0;
            foreach (DownTrack existing in current)
            {
                if (existing.Source != source)
                {
                    next[n++] = existing;
                }
            }

            Volatile.Write(ref _items, next);
        }
    }
}
