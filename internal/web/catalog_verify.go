package web

// Chinese for household economic-status verification (internal/verify):
// sources, imports and their rejected rows, authorisations and reports.
func init() {
	for k, v := range map[string]string{
		// Sources.
		"%s is a built-in source":              "%s 是内置数据源",
		"a source with code %s exists already": "代码为 %s 的数据源已存在",
		"no data source %q":                    "没有数据源 %q",
		"the code must be 2 to 40 lower-case letters, digits or underscores, starting with a letter": "代码须为2至40位小写字母、数字或下划线，以字母开头",
		"the Chinese name is required": "须填写中文名称",
		"the department is required":   "须填写提供部门",
		"unknown refresh cadence %q":   "未知的更新频率 %q",
		"unknown use %q":               "未知的核对用途 %q",
		"an income source needs an income type, or an income_type field":                             "收入类数据源须指定收入类型，或包含 income_type 字段",
		"an asset source needs an asset type (one of %v)":                                            "财产类数据源须指定财产类型（%v 之一）",
		"field %s appears twice":                                                                     "字段 %s 重复",
		"unknown field type %q":                                                                      "未知的字段类型 %q",
		"an enum field needs its values":                                                             "枚举字段须列出取值",
		"give one label per value (%d values, %d labels)":                                            "每个取值对应一个标签（%d 个取值，%d 个标签）",
		"the maximum is below the minimum":                                                           "最大值小于最小值",
		"every source needs a required id_number field of type id_number: records are matched by it": "每个数据源须有必填的 id_number（身份证号）字段：记录按它比对",
		"a source used as %s needs a %s field":                                                       "用途为 %s 的数据源须有 %s 字段",
		"the key must start with id_number":                                                          "记录主键须以 id_number 开头",
		"key field %s is not a field of the source":                                                  "主键字段 %s 不是该数据源的字段",
		"key field %s must be required":                                                              "主键字段 %s 须为必填",

		// Imports.
		"no import batch %d":                                                                                         "没有导入批次 %d",
		"import batch %d is %s, not loading":                                                                         "导入批次 %d 的状态为 %s，不在导入中",
		"the file looks like an XLSX workbook but cannot be opened: %v":                                              "文件像是 XLSX 工作簿，但无法打开：%v",
		"the workbook has no worksheet %q":                                                                           "工作簿中没有工作表 %q",
		"this is an old Excel (.xls) file: save it as .xlsx or CSV and import that":                                  "这是旧版 Excel（.xls）文件：请另存为 .xlsx 或 CSV 后导入",
		"the file starts like JSON Lines but its first line is not a JSON object: %v":                                "文件像是 JSON Lines，但第一行不是 JSON 对象：%v",
		"the header has characters that are neither UTF-8 nor GB18030: save the file as UTF-8 or GB18030 (GBK) text": "表头含有既非 UTF-8 也非 GB18030 的字符：请将文件另存为 UTF-8 或 GB18030（GBK）文本",
		"the file is empty: it needs a header row naming its columns":                                                "文件为空：须有列名表头行",
		"line %d: %v: the file is damaged or cut short (a quote never closed?); nothing of it was applied":           "第 %d 行：%v：文件损坏或不完整（引号未闭合？）；本批数据均未生效",
		"the mapping names column %q for %s, but the file has no such column":                                        "字段映射中的列 %q（%s）在文件中不存在",
		"column %q is mapped to both %s and %s":                                                                      "列 %q 同时映射到 %s 和 %s",
		"the file lacks required columns: %s":                                                                        "文件缺少必需的列：%s",
		"the file lacks required columns: %s (the whole header %q was read as one column: is the delimiter right?)":  "文件缺少必需的列：%s（整行表头 %q 被读成了一列：分隔符是否正确？）",
		"%s is required": "%s 为必填项",
		"Excel stored the ID number as a number (%s) and lost digits: format the column as text and export again": "Excel 将身份证号存成了数字（%s），末几位已丢失：请把该列设为文本格式后重新导出",
		"the text is %s characters long, at most %s are kept: is a quote missing in the file?":                    "文本长 %s 个字符，最多保留 %s 个：文件中是否缺少引号？",
		"the text has characters that are not valid in UTF-8 or GB18030: is the file's encoding right?":           "文本含有 UTF-8 或 GB18030 中无效的字符：文件编码是否正确？",
		"%q is not a whole number":                            "%q 不是整数",
		"%q is not a number with at most two decimals":        "%q 不是数字（最多两位小数）",
		"the date %s is too far in the past":                  "日期 %s 过早",
		"the month %s is too far in the past":                 "月份 %s 过早",
		"%q is not yes or no: write 是 or 否":                   "%q 不是“是”或“否”",
		"%s is below the lowest allowed value %s":             "%s 低于允许的最小值 %s",
		"%s is above the highest allowed value %s":            "%s 高于允许的最大值 %s",
		"the import was cancelled; nothing of it was applied": "导入已取消；本批数据均未生效",
		"the import stopped before it finished (the process ended); nothing of it was applied: import the file again": "导入未完成即中断（进程已结束）；本批数据均未生效：请重新导入该文件",
		"not a JSON object: %s": "不是 JSON 对象：%s",
		"duplicate key: the same record as row %s (the first is kept)": "主键重复：与第 %s 行是同一条记录（保留第一条）",

		// Authorisations.
		"the date of signing is required":                                "须填写签署日期",
		"the date of signing %s is in the future":                        "签署日期 %s 晚于今天",
		"attach the scanned, signed authorisation":                       "请上传签字授权书的扫描件",
		"%q is not a data source":                                        "%q 不是数据源",
		"%s is not a member of the household on the day of signing":      "%s 在签署之日不是本户成员",
		"a guardian can sign only for members of the household":          "监护人只能代本户成员签署",
		"%s is an adult with full capacity and must sign in person":      "%s 是完全民事行为能力人，须本人签署",
		"every member must sign, or a guardian for them; not signed: %s": "全体家庭成员须签署（无民事行为能力人由监护人代签）；未签署：%s",
		"household %s has no authorisation for verification on record: record the signed authorisation (授权书) first":              "家庭 %s 没有核对授权记录：请先登记签字的核对授权书（先授权后核对）",
		"the household withdrew its authorisation on %s: a new signed authorisation is needed":                                   "该户已于 %s 撤回授权：须重新签署核对授权书",
		"the household's authorisation expired on %s: a new signed authorisation is needed":                                      "该户的核对授权已于 %s 过期：须重新签署核对授权书",
		"the authorisation signed on %s does not cover %s, who joined the household later: a new signed authorisation is needed": "%s 签署的授权书不包括此后加入的成员 %s：须重新签署核对授权书",
		"no authorisation %d":       "没有授权书 %d",
		"no verification report %d": "没有核对报告 %d",
	} {
		zh[k] = v
	}
}
