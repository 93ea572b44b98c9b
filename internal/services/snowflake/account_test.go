package snowflake

import "testing"

// Forms from Snowflake's account-identifier documentation and the research
// notes (/work/research/snowflake.md §1).
func TestParseAccount(t *testing.T) {
	for _, tt := range []struct {
		in, host, jwt string
		regionless    bool
	}{
		{"myorg-analytics", "myorg-analytics.snowflakecomputing.com", "MYORG-ANALYTICS", false},
		{"MyOrg-Analytics", "myorg-analytics.snowflakecomputing.com", "MYORG-ANALYTICS", false},
		{"myorg.analytics", "myorg-analytics.snowflakecomputing.com", "MYORG-ANALYTICS", false},
		{"myorg-my_acct", "myorg-my-acct.snowflakecomputing.com", "MYORG-MY_ACCT", false},
		{"xy12345", "xy12345.snowflakecomputing.com", "XY12345", true},
		{"xy12345.us-east-2.aws", "xy12345.us-east-2.aws.snowflakecomputing.com", "XY12345", false},
		{"xy12345.east-us-2.azure", "xy12345.east-us-2.azure.snowflakecomputing.com", "XY12345", false},
		{"xy12345.us-central1.gcp", "xy12345.us-central1.gcp.snowflakecomputing.com", "XY12345", false},
		{"xy12345.us-east-1", "xy12345.us-east-1.snowflakecomputing.com", "XY12345", false},
		{"myorg-analytics.privatelink", "myorg-analytics.privatelink.snowflakecomputing.com", "MYORG-ANALYTICS", false},
		{"xy12345.us-east-1.privatelink", "xy12345.us-east-1.privatelink.snowflakecomputing.com", "XY12345", false},
		{"xy12345.cn-northwest-1.aws", "xy12345.cn-northwest-1.aws.snowflakecomputing.cn", "XY12345", false},
		{"https://MyOrg-Analytics.snowflakecomputing.com/console", "myorg-analytics.snowflakecomputing.com", "MYORG-ANALYTICS", false},
	} {
		a, ok := parseAccount(tt.in)
		if !ok || a.host != tt.host || a.jwt != tt.jwt || a.regionless != tt.regionless {
			t.Errorf("parseAccount(%q) = %+v, %v; want host %s, jwt %s, regionless %v", tt.in, a, ok, tt.host, tt.jwt, tt.regionless)
		}
	}
	for _, in := range []string{"", "  ", ".snowflakecomputing.com", "privatelink"} {
		if a, ok := parseAccount(in); ok {
			t.Errorf("parseAccount(%q) = %+v, want nothing", in, a)
		}
	}
}
