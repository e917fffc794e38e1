package web

// Chinese for uploads of materials and home-visit photos: the checks of
// casework/attachment.go, the store's and API's messages, and the
// application page's files and upload form.
func init() {
	for k, v := range map[string]string{
		// casework/attachment.go: what the file really is.
		"%s is really a JPEG image: its name must end in .jpg or .jpeg":                                                                                      "%s 实际是JPEG图片，文件名应以 .jpg 或 .jpeg 结尾",
		"%s is really a PNG image: its name must end in .png":                                                                                                "%s 实际是PNG图片，文件名应以 .png 结尾",
		"%s is really a PDF document: its name must end in .pdf":                                                                                             "%s 实际是PDF文档，文件名应以 .pdf 结尾",
		"%s is really a Windows program (.exe or .dll), not a picture or document: it is refused":                                                            "%s 实际是Windows可执行程序（.exe或.dll），不是图片或文档，已拒收",
		"%s is really a Linux program (ELF), not a picture or document: it is refused":                                                                       "%s 实际是Linux可执行程序（ELF），不是图片或文档，已拒收",
		"%s is really a macOS program (Mach-O), not a picture or document: it is refused":                                                                    "%s 实际是macOS可执行程序（Mach-O），不是图片或文档，已拒收",
		"%s is really a script, not a picture or document: it is refused":                                                                                    "%s 实际是脚本程序，不是图片或文档，已拒收",
		"%s is really a ZIP archive or an Office document (.docx, .xlsx), which can carry programs: only JPEG and PNG images and PDF documents are accepted": "%s 实际是ZIP压缩包或Office文档（.docx、.xlsx），可能夹带程序；只接收JPEG、PNG图片和PDF文档",
		"%s is really an Office document (.doc, .xls), which can carry macros: print it to PDF, or scan the paper":                                           "%s 实际是Office文档（.doc、.xls），可能含有宏；请打印为PDF，或扫描纸质材料",
		"%s is really a compressed archive (RAR, 7-Zip or gzip), which can carry programs: upload the pictures or documents themselves":                      "%s 实际是压缩包（RAR、7-Zip或gzip），可能夹带程序；请直接上传图片或文档",
		"%s is really an SVG image, which can carry scripts: only JPEG and PNG images and PDF documents are accepted":                                        "%s 实际是SVG图片，可能含有脚本；只接收JPEG、PNG图片和PDF文档",
		"%s is really an HTML page or other markup, which can carry scripts: only JPEG and PNG images and PDF documents are accepted":                        "%s 实际是网页（HTML）或其他标记文件，可能含有脚本；只接收JPEG、PNG图片和PDF文档",
		"%s is really a HEIC photo: set the tablet or phone to take JPEG photos, or export the photo as JPEG":                                                "%s 实际是HEIC格式照片；请将平板或手机设置为拍摄JPEG照片，或将照片导出为JPEG",
		"%s is really a GIF image: save it as JPEG or PNG":                                                                                                   "%s 实际是GIF图片，请另存为JPEG或PNG",
		"%s is really a WebP image: save it as JPEG or PNG":                                                                                                  "%s 实际是WebP图片，请另存为JPEG或PNG",
		"%s is really a BMP image: save it as JPEG or PNG":                                                                                                   "%s 实际是BMP图片，请另存为JPEG或PNG",
		"%s is really a TIFF image: save it as JPEG or PNG, or PDF":                                                                                          "%s 实际是TIFF图片，请另存为JPEG、PNG或PDF",
		"%s is really a text file: only JPEG and PNG images and PDF documents are accepted":                                                                  "%s 实际是文本文件；只接收JPEG、PNG图片和PDF文档",
		"%s is a file of a kind that is not accepted: only JPEG and PNG images and PDF documents are":                                                        "%s 的文件类型不予接收；只接收JPEG、PNG图片和PDF文档",
		// casework/attachment.go: the other checks.
		"say what the file is: one of the materials, or a photo of a home visit": "请选择文件用途：某项申请材料，或入户调查照片",
		"%q is neither a known material nor a home-visit photo":                  "%q 既不是已知的申请材料，也不是入户调查照片",
		"choose a file to upload":                                                 "请选择要上传的文件",
		"the file name is longer than %d characters: rename the file":             "文件名超过 %d 个字符，请重命名",
		"the file name contains characters that are not allowed: rename the file": "文件名含有不允许的字符，请重命名",
		"%s is empty":                          "%s 是空文件",
		"%s is larger than the limit of %s MB": "%s 超过 %s MB的上限",
		"%s is a PDF document: a photo of a home visit must be a JPEG or PNG image":                                                         "%s 是PDF文档；入户调查照片须为JPEG或PNG图片",
		"%s is a PDF document that runs scripts or programs, or carries other files, when opened: print it to a new PDF, or scan the paper": "%s 是打开时会运行脚本或程序、或夹带其他文件的PDF文档；请重新打印为PDF，或扫描纸质材料",
		"name the materials received": "请写明收到的材料",
		// Store and API.
		"file %d is not one of this application's":                            "文件 %d 不属于此申请",
		"file %d was already replaced by file %d":                             "文件 %d 已被文件 %d 替换",
		"file %d was already replaced by another":                             "文件 %d 已被其他文件替换",
		"file %d is not a photo of a home visit uploaded to this application": "文件 %d 不是为此申请上传的入户调查照片",
		"the upload is larger than the limit of %s MB":                        "上传的文件超过%s MB的上限",
		"%q is not a file number":                                             "%q 不是文件编号",
		"send one file at a time":                                             "请每次上传一个文件",
		// The application page.
		"The file was uploaded.": "文件已上传。",
		"Photos":                 "照片",
		"Optional: JPEG or PNG, at most %s MB each.": "选填：JPEG或PNG格式，每张不超过 %s MB。",
		"%d uploaded":      "已上传 %d 张",
		"Uploaded file":    "上传的文件",
		"No. %d":           "%d 号",
		"No. %d: %s (%s)":  "%d 号：%s（%s）",
		"What the file is": "文件用途",
		"A material counts as received once uploaded.": "材料上传后即计入已收材料。",
		"File": "文件",
		"JPEG or PNG photos and PDF documents, at most %s MB. Programs, archives and Office files are refused.": "接收JPEG、PNG照片和PDF文档，不超过 %s MB；程序、压缩包和Office文件一律拒收。",
		"Replaces":            "替换",
		"Nothing: a new file": "不替换：新增文件",
		"A wrong upload is never deleted: choose it here, and the new file replaces it.": "上传错误的文件不会被删除：在此选择该文件，新文件即替换它。",
		"Photo of a home visit":      "入户调查照片",
		"Uploaded files":             "已上传文件",
		"No file has been uploaded.": "尚未上传文件。",
		"Upload a file":              "上传文件",
		"Upload":                     "上传",
		"Size":                       "大小",
		"Uploaded by":                "上传人",
		"Uploaded":                   "上传时间",
		"Replaced by no. %d":         "已被 %d 号替换",
		"Replaces no. %d":            "替换 %d 号",
	} {
		if _, ok := zh[k]; !ok {
			zh[k] = v
		}
	}
	enumLabels["case_action.add_materials"] = [2]string{"补充材料", "Add materials"}
}
