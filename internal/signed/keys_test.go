package signed

import (
	"errors"
	"strings"
	"testing"
)

func TestParseKeys(t *testing.T) {
	t.Parallel()
	newKey, oldKey := strings.Repeat("n", 32), strings.Repeat("o", 40)
	for _, tc := range []struct {
		name, secret string
		want         []string
		err          string
	}{
		{"one key", newKey, []string{newKey}, ""},
		{"one key and a final line break", newKey + "\n", []string{newKey}, ""},
		{"a rotation: the new key, then the old", newKey + "\n" + oldKey, []string{newKey, oldKey}, ""},
		{"CRLF line ends", newKey + "\r\n" + oldKey + "\r\n", []string{newKey, oldKey}, ""},
		{"empty", "", nil, "key 1 is 0 bytes, at least 32 needed"},
		{"a short key", "short-key", nil, "key 1 is 9 bytes, at least 32 needed"},
		{"a short old key", newKey + "\n" + "old", nil, "key 2 is 3 bytes, at least 32 needed"},
		{"an empty line between", newKey + "\n\n" + oldKey, nil, "holds 3 keys, at most 2"},
		{"three keys", newKey + "\n" + oldKey + "\n" + newKey + "x", nil, "holds 3 keys, at most 2"},
		{"the same key twice", newKey + "\n" + newKey, nil, "its two keys are the same"},
		{"a lone CR between the keys", newKey + "\r" + oldKey, nil, "key 1 holds a control character (byte 33: 0x0d"},
		{"a tab in the old key", newKey + "\n" + oldKey + "\t", nil, "key 2 holds a control character (byte 41: 0x09"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			keys, err := ParseKeys(tc.secret)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				if strings.Contains(err.Error(), "short") || strings.Contains(err.Error(), newKey) {
					t.Errorf("the error quotes a key: %v", err)
				}
				return
			}
			if err != nil || len(keys) != len(tc.want) {
				t.Fatalf("ParseKeys = %q, %v", keys, err)
			}
			for i := range keys {
				if string(keys[i]) != tc.want[i] {
					t.Errorf("key %d = %q, want %q", i+1, keys[i], tc.want[i])
				}
			}
		})
	}
}

// TestKeysRotation: the signing key seals exactly as Seal under it (tokens already sent keep their bytes), and a
// token sealed under either key opens, under no other key.
func TestKeysRotation(t *testing.T) {
	t.Parallel()
	newKey, oldKey, stranger := []byte(strings.Repeat("n", 32)), []byte(strings.Repeat("o", 32)), []byte(strings.Repeat("x", 32))
	rotating, err := ParseKeys(string(newKey) + "\n" + string(oldKey))
	if err != nil {
		t.Fatal(err)
	}
	if string(rotating.Signing()) != string(newKey) {
		t.Fatalf("signing key = %q", rotating.Signing())
	}
	for name, tc := range map[string]struct {
		key  []byte
		want error
	}{
		"signed with the new key":        {newKey, nil},
		"signed with the old key":        {oldKey, nil},
		"signed with a key never listed": {stranger, ErrInvalid},
	} {
		token := Seal(tc.key, "d|", "rep|1")
		got, err := rotating.Open("d|", token)
		if !errors.Is(err, tc.want) || (tc.want == nil && got != "rep|1") {
			t.Errorf("%s: Open = %q, %v; want %v", name, got, err, tc.want)
		}
	}
	// Once the window is over the old key is removed: its tokens no longer open.
	done, _ := ParseKeys(string(newKey))
	if _, err := done.Open("d|", Seal(oldKey, "d|", "rep|1")); !errors.Is(err, ErrInvalid) {
		t.Errorf("old key's token after the rotation: %v", err)
	}
	if _, err := (Keys{}).Open("d|", Seal(newKey, "d|", "rep|1")); !errors.Is(err, ErrInvalid) {
		t.Errorf("no key at all: %v", err)
	}
}
