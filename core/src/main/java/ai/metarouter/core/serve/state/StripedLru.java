package ai.metarouter.core.serve.state;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded least-recently-used cache split into independently locked segments, so request threads
 * rarely wait on each other. Each segment is an access-ordered {@link LinkedHashMap} holding at
 * most {@code ceil(capacity / segments)} entries and evicting its own least recently used one; the
 * whole cache therefore holds at most about {@code capacity} entries and evicts approximately (per
 * segment) in LRU order, the usual trade of exactness for contention.
 */
public final class StripedLru<K, V> {
    private final Segment<K, V>[] segments;
    private final int mask;

    @SuppressWarnings("unchecked")
    public StripedLru(int capacity, int segmentsHint) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
        int n = Integer.highestOneBit(Math.max(1, Math.min(segmentsHint, capacity)));
        this.segments = new Segment[n];
        this.mask = n - 1;
        int perSegment = (capacity + n - 1) / n;
        for (int i = 0; i < n; i++) segments[i] = new Segment<>(perSegment);
    }

    private Segment<K, V> segment(Object key) {
        int h = key.hashCode();
        h ^= (h >>> 16);
        return segments[h & mask];
    }

    public V get(K key) {
        Segment<K, V> s = segment(key);
        synchronized (s) {
            return s.get(key);
        }
    }

    public void put(K key, V value) {
        Segment<K, V> s = segment(key);
        synchronized (s) {
            s.put(key, value);
        }
    }

    public void remove(K key) {
        Segment<K, V> s = segment(key);
        synchronized (s) {
            s.remove(key);
        }
    }

    public int size() {
        int n = 0;
        for (Segment<K, V> s : segments) {
            synchronized (s) {
                n += s.size();
            }
        }
        return n;
    }

    public int capacity() {
        return segments.length * segments[0].capacity;
    }

    private static final class Segment<K, V> extends LinkedHashMap<K, V> {
        private static final long serialVersionUID = 1L;
        private final int capacity;

        Segment(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > capacity;
        }
    }
}
